package io.ferry.itests;

import java.util.Optional;
import org.junit.AssumptionViolatedException;
import org.junit.runner.Description;
import org.junit.runner.Runner;
import org.junit.runner.manipulation.Filter;
import org.junit.runner.manipulation.Filterable;
import org.junit.runner.manipulation.NoTestsRemainException;
import org.junit.runner.notification.Failure;
import org.junit.runner.notification.RunNotifier;
import org.junit.runners.BlockJUnit4ClassRunner;
import org.junit.runners.model.InitializationError;
import org.ops4j.pax.exam.junit.PaxExam;

/**
 * {@link PaxExam}, but only when a PostgreSQL test database is configured
 * ({@link PostgresTestDatabase}). Without one the class's tests are reported as skipped
 * with the reason, and no container is started (that would cost half a minute for
 * nothing); with {@code FERRY_REQUIRE_PG=1} they fail instead, so CI cannot silently lose
 * the PostgreSQL coverage. Before the container starts the database is emptied, so every
 * run sees a fresh install.
 */
public final class PostgresPaxExam extends Runner implements Filterable {
    private final Optional<PostgresTestDatabase> database;
    private final PaxExam delegate;
    private Description description;

    public PostgresPaxExam(Class<?> testClass) throws InitializationError {
        database = PostgresTestDatabase.fromEnvironment();
        if (database.isPresent()) {
            delegate = new PaxExam(testClass);
        } else {
            delegate = null;
            description = new BlockJUnit4ClassRunner(testClass).getDescription();
        }
    }

    @Override
    public Description getDescription() {
        return delegate != null ? delegate.getDescription() : description;
    }

    @Override
    public void run(RunNotifier notifier) {
        if (database.isEmpty()) {
            String message = PostgresTestDatabase.missingMessage();
            System.err.println((PostgresTestDatabase.required() ? "[ERROR] " : "[WARNING] ") + message);
            reportAll(notifier, message, PostgresTestDatabase.required());
            return;
        }
        try {
            database.get().empty();
        } catch (Exception e) {
            reportAll(notifier, "Cannot prepare the PostgreSQL test database " + database.get() + " ("
                    + PostgresTestDatabase.URL_VARIABLE + "): " + e, true);
            return;
        }
        delegate.run(notifier);
    }

    @Override
    public void filter(Filter filter) throws NoTestsRemainException {
        if (delegate != null) {
            delegate.filter(filter);
            return;
        }
        Description kept = description.childlessCopy();
        for (Description child : description.getChildren()) {
            if (filter.shouldRun(child)) {
                kept.addChild(child);
            }
        }
        if (kept.getChildren().isEmpty()) {
            throw new NoTestsRemainException();
        }
        description = kept;
    }

    private void reportAll(RunNotifier notifier, String message, boolean asFailure) {
        for (Description test : getDescription().getChildren()) {
            notifier.fireTestStarted(test);
            if (asFailure) {
                notifier.fireTestFailure(new Failure(test, new AssertionError(message)));
            } else {
                notifier.fireTestAssumptionFailed(new Failure(test, new AssumptionViolatedException(message)));
            }
            notifier.fireTestFinished(test);
        }
    }
}
