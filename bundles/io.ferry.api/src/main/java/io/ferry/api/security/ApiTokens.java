package io.ferry.api.security;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * API tokens: how scripts log in to Ferry's front ends without a password (issue "REST API and
 * web console"; {@code ferry:token-create}). A token carries a user and a role; calls made with
 * it run as that user with that role, so the services' checks apply as for the user.
 *
 * <p>Rules: any user with a Ferry role may make tokens for themself, with a role no higher than
 * their own, valid from 1 hour to 365 days; a user lists and revokes their own tokens, an admin
 * every token. Making and revoking are audited. Only the SHA-256 of a token's secret is stored.
 *
 * @since 1.1
 */
@ProviderType
public interface ApiTokens {

    /** Shortest validity of a token. */
    Duration MIN_VALIDITY = Duration.ofHours(1);
    /** Longest validity of a token. */
    Duration MAX_VALIDITY = Duration.ofDays(365);

    /**
     * Makes a token of the calling user.
     *
     * @param role        the role it carries: at most the caller's
     * @param validity    how long it works: {@link #MIN_VALIDITY} to {@link #MAX_VALIDITY}
     * @param description what it is for (at most 200 characters; may be empty)
     * @throws io.ferry.api.ValidationException naming {@code role}, {@code expires} or
     *                                          {@code description}
     * @throws AccessDeniedException            for a caller without a Ferry role
     */
    NewApiToken create(FerryRole role, Duration validity, String description);

    /** The caller's tokens (an admin's: every user's), newest first, revoked and expired ones included. */
    List<ApiToken> list();

    /**
     * Revokes a token at once: its next call is refused.
     *
     * @throws io.ferry.api.NotFoundException when there is no such token, or it is another
     *                                        user's and the caller is not an admin
     */
    ApiToken revoke(String id);

    /**
     * The token a front end was shown, if it is one of this catalog's, its secret matches, and
     * it is neither revoked nor expired; records when it was last used (to the minute). Runs as
     * Ferry itself: front ends call it before they know a user.
     *
     * @param text what the client presented ({@code ferry_<id>_<secret>})
     */
    Optional<ApiToken> authenticate(String text);
}
