package io.ferry.jobs.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.NotFoundException;
import io.ferry.api.agent.RepositoryAgents;
import io.ferry.api.repository.InitOptions;
import io.ferry.api.repository.Repository;
import io.ferry.repository.internal.RepositoryServiceImpl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a job's repository is: under the manager's repository root, or, when the repository
 * server has an agent that serves repositories, on that agent (issue "Real proxies", item 3).
 */
class JobRepositoriesTest {

    @TempDir
    Path tmp;

    /** A repository agent stand-in: records what it is asked and keeps its repositories in a directory. */
    private final class Agents implements RepositoryAgents {
        final RepositoryServiceImpl service = new RepositoryServiceImpl();
        final List<String> opened = new ArrayList<>();
        final java.util.Set<String> serving = new java.util.HashSet<>(java.util.Set.of("repo-01"));
        char[] lastPassword;

        @Override
        public boolean servesRepositories(String server) {
            return serving.contains(server);
        }

        @Override
        public Repository open(String server, String name, char[] password, InitOptions create) {
            opened.add(server + "/" + name + (create == null ? "" : " (create)"));
            lastPassword = password.clone();
            Path dir = tmp.resolve("agent").resolve(name);
            if (!Files.exists(dir.resolve("config"))) {
                if (create == null) {
                    throw new NotFoundException("no repository " + name);
                }
                service.init(dir, password, create);
            }
            return service.open(dir, password);
        }
    }

    @Test
    void aRepositoryServerWithAnAgentKeepsTheJobsRepositoryThereUnlockedWithTheManagersPassword() throws Exception {
        Path passwordFile = tmp.resolve("etc/repository.password");
        JobRepositories repositories = new JobRepositories(new RepositoryServiceImpl(), tmp.resolve("repositories"),
                passwordFile, new InitOptions(1 << 20, InitOptions.defaults().kdfIterations()));
        Agents agents = new Agents();
        repositories.agents(agents);

        assertFalse(repositories.exists("repo-01"), "nothing stored yet");
        assertEquals(List.of("repo-01/jobs"), agents.opened, "looking does not create");
        assertEquals("repository jobs on the repository agent of repo-01", repositories.location("repo-01"));

        Repository remote = repositories.open("repo-01");
        assertEquals(List.of("repo-01/jobs", "repo-01/jobs (create)"), agents.opened);
        assertArrayEquals(Files.readString(passwordFile, StandardCharsets.UTF_8).strip().toCharArray(),
                agents.lastPassword, "the manager's job password unlocks it");
        assertSame(remote, repositories.open("repo-01"), "opened once");
        assertTrue(repositories.exists("repo-01"));
        assertFalse(Files.exists(tmp.resolve("repositories/repo-01")), "nothing on the manager for repo-01");

        // a repository server without an agent keeps its repository under the manager's root
        Repository local = repositories.open("bkp-01");
        assertTrue(Files.isRegularFile(tmp.resolve("repositories/bkp-01/config")));
        assertEquals(2, agents.opened.size(), "the agents were not asked for bkp-01");

        // bkp-01's repository agent is enrolled later: the next runs store there, without a restart
        agents.serving.add("bkp-01");
        Repository moved = repositories.open("bkp-01");
        assertFalse(moved == local, "a new repository on the agent");
        assertEquals("bkp-01/jobs (create)", agents.opened.get(agents.opened.size() - 1));
        assertSame(moved, repositories.open("bkp-01"));

        // without the agents service (unbound), every repository is the manager's again
        repositories.agents(null);
        assertEquals(tmp.resolve("repositories/repo-01").toString(), repositories.location("repo-01"));
        repositories.close();
    }
}
