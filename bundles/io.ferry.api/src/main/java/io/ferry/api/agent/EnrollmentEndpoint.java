package io.ferry.api.agent;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where agents enroll, as {@code ferry:agent-token} prints it in the enrollment command: the
 * manager's agent endpoint registers this service once its CA and listening socket exist.
 */
@ProviderType
public interface EnrollmentEndpoint {

    /** SHA-256 fingerprint of the manager's CA certificate, 64 lower-case hex digits. */
    String caFingerprint();

    /** {@code HOST:PORT} that agents on other machines dial to enroll and connect. */
    String address();
}
