/**
 * Ferry agents: the processes on proxies and repository servers that do the work the manager
 * plans (issue "Real proxies", docs/agents.md). An agent is enrolled for one managed server of
 * the inventory with a single-use, expiring {@link io.ferry.api.agent.EnrollmentToken} that
 * an administrator creates; the manager's certificate authority then issues the agent's
 * certificate, and every later connection is mutual TLS, dialled out by the agent.
 *
 * <p>The {@link io.ferry.api.agent.AgentRegistry} keeps tokens and agents in the catalog and
 * enforces the roles: creating tokens and removing agents needs {@code ferry-admin}, listing
 * agents {@code ferry-viewer}. {@link io.ferry.api.agent.TaskLeases} hands the tasks of running
 * sessions to agents, also in the catalog. {@link io.ferry.api.agent.RepositoryAgents} opens
 * the repositories that repository agents hold (since 1.1); {@link io.ferry.api.agent.GuestChannels}
 * reaches guests through the agents of guest interaction proxies (since 1.2).
 */
@Export
@Version("1.2.0")
package io.ferry.api.agent;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
