package io.ferry.api.security;

import java.util.Objects;

/**
 * A token just made: its record and the text a script presents
 * ({@code Authorization: Bearer <text>}), shown only now.
 *
 * @param token the token's record
 * @param text  {@code ferry_<id>_<secret>}; the catalog keeps only the hash of the secret
 * @since 1.1
 */
public record NewApiToken(ApiToken token, String text) {

    public NewApiToken {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(text, "text");
    }

    @Override
    public String toString() {
        return "NewApiToken[" + token + ", text=(secret)]";
    }
}
