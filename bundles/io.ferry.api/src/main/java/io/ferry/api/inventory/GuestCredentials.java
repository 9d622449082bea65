package io.ferry.api.inventory;

import io.ferry.api.ValidationException;

/**
 * The guest OS account used for guest processing. Secrets are not kept in the inventory.
 *
 * @param user account, e.g. {@code CORP\svc-backup}, {@code svc@corp.example}, {@code root}
 * @param gmsa the account is a group Managed Service Account; Linux guest interaction
 *             proxies cannot use those, so a Windows proxy is chosen (seed 001)
 */
public record GuestCredentials(String user, boolean gmsa) {
    public GuestCredentials {
        user = Checks.required("credentials.user", user);
        if (gmsa && !(user.contains("\\") || user.contains("@"))) {
            throw new ValidationException("credentials.user", "'" + user + "' is marked as a gMSA but is not a"
                    + " domain account (DOMAIN\\name$ or name$@domain)");
        }
    }
}
