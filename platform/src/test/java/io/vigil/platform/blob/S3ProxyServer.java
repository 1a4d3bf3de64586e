package io.vigil.platform.blob;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real S3 protocol server in the test's JVM: s3proxy (Jetty) on a free loopback port, keeping objects as files
 * under a directory, with AWS signatures checked. Objects being files lets a test age one (its mtime is the
 * object's Last-Modified) without waiting.
 * <p>
 * s3proxy runs in a class loader of its own, over the jars that Maven passes in {@code s3proxy.classpath} and keeps
 * off the tests' class path (platform/pom.xml): its Jackson XML there would make every WebFlux test offer
 * {@code application/xml}, which the services never do. Hence the reflection; without the property (an IDE) it is
 * loaded from the tests' own class path.
 */
final class S3ProxyServer implements AutoCloseable {
    static final String ACCESS_KEY = "vigil-test";
    static final String SECRET_KEY = "vigil-test-secret-0123456789";
    private static final ClassLoader LOADER = loader();

    private final Object proxy;
    private final Path data;
    private final URI endpoint;

    private S3ProxyServer(Object proxy, Path data, URI endpoint) {
        this.proxy = proxy;
        this.data = data;
        this.endpoint = endpoint;
    }

    /** Started: {@code S3Proxy.start} returns once Jetty listens. */
    static S3ProxyServer start(Path data) throws Exception {
        Files.createDirectories(data);
        Class<?> s3Proxy = LOADER.loadClass("org.gaul.s3proxy.S3Proxy");
        Class<?> backendType = LOADER.loadClass("org.gaul.s3proxy.blobstore.BlobStore");
        Class<?> authentication = LOADER.loadClass("org.gaul.s3proxy.AuthenticationType");
        Object backend = LOADER.loadClass("org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore")
                .getConstructor(String.class).newInstance(data.toString());

        Object builder = invoke(s3Proxy.getMethod("builder"), null);
        Class<?> builderType = builder.getClass();
        invoke(builderType.getMethod("blobStore", backendType), builder, backend);
        invoke(builderType.getMethod("endpoint", URI.class), builder, URI.create("http://127.0.0.1:0"));
        invoke(builderType.getMethod("awsAuthentication", authentication, String.class, String.class), builder,
                enumConstant(authentication, "AWS_V2_OR_V4"), ACCESS_KEY, SECRET_KEY);
        invoke(builderType.getMethod("jettyMaxThreads", int.class), builder, 32);
        Object proxy = invoke(builderType.getMethod("build"), builder);

        invoke(s3Proxy.getMethod("start"), proxy);
        int port = (int) invoke(s3Proxy.getMethod("getPort"), proxy);
        return new S3ProxyServer(proxy, data, URI.create("http://127.0.0.1:" + port));
    }

    URI endpoint() {
        return endpoint;
    }

    /** Settings for {@code bucket} on this server, with its credentials and short timeouts. */
    BlobProperties.S3 settings(String bucket, boolean createBucket) {
        return new BlobProperties.S3(endpoint, "us-east-1", bucket, "captures/", null, ACCESS_KEY, SECRET_KEY,
                createBucket, Duration.ofSeconds(2), Duration.ofSeconds(10), 16);
    }

    /** The file that holds object {@code name} of {@code bucket}. */
    Path file(String bucket, String name) {
        return data.resolve(bucket).resolve(name);
    }

    @Override
    public void close() throws Exception {
        invoke(proxy.getClass().getMethod("stop"), proxy);
    }

    private static ClassLoader loader() {
        ClassLoader tests = S3ProxyServer.class.getClassLoader();
        String classpath = System.getProperty("s3proxy.classpath", "");
        if (classpath.isBlank()) {
            return tests;
        }
        List<URL> urls = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            try {
                urls.add(Path.of(entry).toUri().toURL());
            } catch (MalformedURLException e) {
                throw new IllegalStateException(entry, e);
            }
        }
        return new URLClassLoader("s3proxy", urls.toArray(URL[]::new), tests);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumConstant(Class<?> type, String name) {
        return Enum.valueOf((Class) type, name);
    }

    private static Object invoke(Method method, Object target, Object... arguments) throws Exception {
        try {
            return method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
