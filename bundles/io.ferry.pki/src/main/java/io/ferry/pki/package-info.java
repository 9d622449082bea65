/**
 * The manager's certificate authority and the TLS material of Ferry's manager and agents
 * (docs/agents.md, "Certificates"). Ferry-internal: the manager endpoint and the agent
 * (bundle {@code io.ferry.agent}) use it; plugins do not.
 *
 * <p>On the manager, the {@link io.ferry.pki.ManagerCa} service keeps the CA and the manager
 * endpoint's own certificate under {@code ${karaf.data}/ferry/ca/}, issues agent certificates
 * from certificate requests, and gives the endpoint its key managers and a trust manager that
 * trusts only this CA. On an agent, {@link io.ferry.pki.AgentKeys} makes the key pair and the
 * certificate request, {@link io.ferry.pki.PinnedCaTrustManager} checks the manager at
 * enrollment against the CA fingerprint of the token, {@link io.ferry.pki.Pem} keeps key and
 * certificates on disk and {@link io.ferry.pki.TlsMaterial} turns them into key and trust
 * managers for mutual TLS.
 *
 * <p>Certificates carry their role in the subject: {@code O=Ferry, OU=manager, CN=<host>} for
 * the manager endpoint, {@code O=Ferry, OU=agent, CN=<managed server>} for an agent
 * ({@link io.ferry.pki.Certificates}). Agents hold server certificates too (a repository
 * agent serves proxies), so a peer that must be the manager is checked for that role.
 */
@Export
@Version("1.0.0")
package io.ferry.pki;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
