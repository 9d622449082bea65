package io.ferry.agent.internal.store;

import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.repository.RepositoryException;
import io.ferry.repository.remote.ImmutableBackupException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The storage side's exceptions over gRPC and back, so that the key side sees the same
 * exception (type, reason, field, message) as it would with the store in its own process.
 * The kind travels in the trailer {@code ferry-error}, the message as the status description.
 */
public final class StoreErrors {

    static final Metadata.Key<String> KIND = Metadata.Key.of("ferry-error", Metadata.ASCII_STRING_MARSHALLER);

    private StoreErrors() {
    }

    /** The status (with trailers) that stands for {@code failure} on the storage side. */
    public static StatusRuntimeException toStatus(Throwable failure) {
        Throwable t = unwrap(failure);
        Metadata trailers = new Metadata();
        Status status;
        if (t instanceof RepositoryException e) {
            trailers.put(KIND, "REPOSITORY:" + e.reason().name());
            status = e.reason() == RepositoryException.Reason.LOCKED ? Status.UNAVAILABLE : Status.FAILED_PRECONDITION;
            status = status.withDescription(e.getMessage());
        } else if (t instanceof ValidationException e) {
            trailers.put(KIND, "VALIDATION:" + e.field());
            status = Status.INVALID_ARGUMENT.withDescription(e.problem());
        } else if (t instanceof ImmutableBackupException e) {
            trailers.put(KIND, "IMMUTABLE");
            status = Status.PERMISSION_DENIED.withDescription(e.getMessage());
        } else if (t instanceof NotFoundException e) {
            trailers.put(KIND, "NOT_FOUND");
            status = Status.NOT_FOUND.withDescription(e.getMessage());
        } else if (t instanceof StatusRuntimeException e) {
            return e;
        } else {
            trailers.put(KIND, "REPOSITORY:IO");
            status = Status.INTERNAL.withDescription("the repository's storage side failed: " + t);
        }
        return status.asRuntimeException(trailers);
    }

    /** The exception the storage side threw, from the status a call ended with. */
    public static RuntimeException fromStatus(Throwable failure, String what) {
        Throwable t = unwrap(failure);
        if (!(t instanceof StatusRuntimeException e)) {
            return t instanceof RuntimeException r ? r
                    : new RepositoryException(RepositoryException.Reason.IO, what + " failed: " + t, t);
        }
        String message = e.getStatus().getDescription() == null ? e.getStatus().getCode().name()
                : e.getStatus().getDescription();
        String kind = e.getTrailers() == null ? null : e.getTrailers().get(KIND);
        if (kind == null && (e.getStatus().getCode() == Status.Code.PERMISSION_DENIED
                || e.getStatus().getCode() == Status.Code.UNAUTHENTICATED)) {
            return new RepositoryException(RepositoryException.Reason.IO, what + " was refused by the repository"
                    + " server: " + message, e);
        }
        if (kind == null) {
            // the transport, not the store: the repository server is unreachable, the deadline passed, ...
            return new RepositoryException(RepositoryException.Reason.IO, what + " failed: the repository server did"
                    + " not answer (" + e.getStatus().getCode() + (e.getStatus().getDescription() == null ? ""
                            : ": " + e.getStatus().getDescription().lines().findFirst().orElse(""))
                    + rootCause(e) + ")", e);
        }
        if (kind.startsWith("REPOSITORY:")) {
            RepositoryException.Reason reason;
            try {
                reason = RepositoryException.Reason.valueOf(kind.substring("REPOSITORY:".length()));
            } catch (IllegalArgumentException unknown) {
                reason = RepositoryException.Reason.IO;
            }
            return new RepositoryException(reason, message);
        }
        if (kind.startsWith("VALIDATION:")) {
            return new ValidationException(kind.substring("VALIDATION:".length()), message);
        }
        if (kind.equals("IMMUTABLE")) {
            return new ImmutableBackupException(message);
        }
        if (kind.equals("NOT_FOUND")) {
            return new NotFoundException(message);
        }
        return new RepositoryException(RepositoryException.Reason.IO, what + " failed: " + message, e);
    }

    /** The deepest cause's message (a TLS refusal says there which certificate was not trusted). */
    private static String rootCause(Throwable t) {
        Throwable root = t.getCause();
        if (root == null) {
            return "";
        }
        int depth = 0;
        while (root.getCause() != null && root.getCause() != root && depth++ < 16) {
            root = root.getCause();
        }
        return root.getMessage() == null ? "; " + root.getClass().getSimpleName() : "; " + root.getMessage();
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
