package io.ferry.repository.remote;

import io.ferry.api.ValidationException;

/**
 * A repository server's own rules for one repository ({@code store-policy.properties} in the
 * repository directory), set from its local configuration and never by the manager or a key
 * side: written with {@link RepositoryStore#writeRules}, read at every delete, prune and commit.
 *
 * @param appendOnly  no backup is ever deleted through the store
 * @param minLockDays every commit locks its backup for at least this many days from the commit
 *                    (0: only the lock the key side asks for)
 * @param maxLockDays the longest lock, in days from the commit, that a key side may ask for
 * @since 1.1
 */
public record StoreRules(boolean appendOnly, int minLockDays, int maxLockDays) {

    /** The longest lock a rule can set: 100 years. */
    public static final int MAX_DAYS = 36500;

    /** The rules without a policy file: deletes allowed, no minimum lock, locks of up to 10 years. */
    public static final StoreRules DEFAULT = new StoreRules(false, 0, 3650);

    public StoreRules {
        if (maxLockDays < 0 || maxLockDays > MAX_DAYS) {
            throw new ValidationException("maxLockDays", "is " + maxLockDays + ", not a number of days from 0 to "
                    + MAX_DAYS);
        }
        if (minLockDays < 0 || minLockDays > maxLockDays) {
            throw new ValidationException("minLockDays", "is " + minLockDays + ", not a number of days from 0 to"
                    + " maxLockDays (" + maxLockDays + ")");
        }
    }
}
