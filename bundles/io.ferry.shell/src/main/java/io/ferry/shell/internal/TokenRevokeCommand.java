package io.ferry.shell.internal;

import io.ferry.api.security.ApiToken;
import io.ferry.api.security.ApiTokens;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "ferry", name = "token-revoke", description = "Revokes an API token at once (yours; an admin: anyone's).",
        detailedDescription = """
                The token's next call is refused. Audited. The id is the one
                ferry:token-list and ferry:token-create show (16 hex digits).

                Example:
                  ferry:token-revoke 3f9c2a7d1e004b6a""")
public class TokenRevokeCommand implements Action {

    @Reference
    private ApiTokens tokens;

    @Argument(index = 0, name = "ID", required = true, description = "The token's id")
    private String id;

    @Override
    public Object execute() {
        ApiToken t = tokens.revoke(id);
        System.out.println("API token " + t.id() + " of user " + t.user() + " is revoked (since "
                + BackupText.time(t.revoked().orElseThrow()) + ")");
        return null;
    }
}
