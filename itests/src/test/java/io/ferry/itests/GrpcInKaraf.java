package io.ferry.itests;

import com.google.protobuf.StringValue;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Metadata;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The gRPC part of {@link AgentTransportIT}, in a class of its own: the probe loads it (and the
 * grpc, protobuf and BouncyCastle packages it imports dynamically) only after the test has
 * installed feature ferry-agent.
 */
final class GrpcInKaraf {
    private GrpcInKaraf() {
    }

    private static final Context.Key<String> PEER = Context.key("peer");

    /** One unary call over mutual TLS 1.3 on 127.0.0.1, answered with the client certificate's CN. */
    static String mutualTlsCall() throws Exception {
        KeyPair caKeys = ecKeys();
        X500Principal caName = new X500Principal("CN=itest CA");
        X509v3CertificateBuilder caBuilder = builder(caName, caName, caKeys.getPublic());
        caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        X509Certificate ca = sign(caBuilder, caKeys.getPrivate());
        KeyPair serverKeys = ecKeys();
        X509v3CertificateBuilder serverBuilder = builder(caName, new X500Principal("CN=ferry-manager"),
                serverKeys.getPublic());
        serverBuilder.addExtension(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        serverBuilder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        X509Certificate server = sign(serverBuilder, caKeys.getPrivate());
        KeyPair agentKeys = ecKeys();
        X509v3CertificateBuilder agentBuilder = builder(caName, new X500Principal("CN=px-01"), agentKeys.getPublic());
        agentBuilder.addExtension(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        X509Certificate agent = sign(agentBuilder, caKeys.getPrivate());

        MethodDescriptor<StringValue, StringValue> say = MethodDescriptor.<StringValue, StringValue>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName("ferry.itest.Echo", "Say"))
                .setRequestMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
                .setResponseMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
                .build();
        ServerServiceDefinition echo = ServerServiceDefinition.builder("ferry.itest.Echo")
                .addMethod(say, ServerCalls.asyncUnaryCall((request, reply) -> {
                    reply.onNext(StringValue.of("hello " + request.getValue() + ", agent " + PEER.get()));
                    reply.onCompleted();
                }))
                .build();
        ServerInterceptor peer = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                    ServerCallHandler<Q, R> next) {
                SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
                String cn;
                try {
                    cn = ((X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal().getName()
                            .replace("CN=", "");
                } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                    cn = "none";
                }
                return Contexts.interceptCall(Context.current().withValue(PEER, cn), call, headers, next);
            }
        };
        Server grpcServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(GrpcSslContexts.configure(SslContextBuilder.forServer(serverKeys.getPrivate(), server, ca),
                        SslProvider.JDK).trustManager(ca).clientAuth(ClientAuth.REQUIRE).protocols("TLSv1.3").build())
                .addService(ServerInterceptors.intercept(echo, peer))
                .build().start();
        try {
            int port = ((InetSocketAddress) grpcServer.getListenSockets().get(0)).getPort();
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port)
                    .sslContext(GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
                            .keyManager(agentKeys.getPrivate(), agent).trustManager(ca).protocols("TLSv1.3").build())
                    .build();
            try {
                return ClientCalls.blockingUnaryCall(channel, say,
                        CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), StringValue.of("karaf")).getValue();
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } finally {
            grpcServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static KeyPair ecKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(X500Principal issuer, X500Principal subject, PublicKey key) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(now.toEpochMilli() + subject.hashCode()),
                Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(3600)), subject, key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }
}
