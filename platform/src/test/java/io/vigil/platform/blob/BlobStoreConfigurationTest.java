package io.vigil.platform.blob;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.support.ResourcePropertySource;

/** The one blob store of a service, as its properties choose it; a wrong choice stops the start with the reason. */
class BlobStoreConfigurationTest {
    @TempDir
    Path temp;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withInitializer(context -> {
                try {
                    // the platform's defaults, lowest precedence, as PlatformConfiguration adds them
                    context.getEnvironment().getPropertySources()
                            .addLast(new ResourcePropertySource("classpath:vigil-platform.properties"));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            })
            .withUserConfiguration(BlobStoreConfiguration.class);

    @Test
    void by_default_blobs_are_files_in_the_data_directory() {
        runner.withPropertyValues("vigil.home=" + temp).run(context -> {
            assertThat(context).hasSingleBean(BlobStore.class);
            assertThat(context.getBean(BlobStore.class)).isInstanceOfSatisfying(FileSystemBlobStore.class,
                    store -> assertThat(store.root()).isEqualTo(temp.resolve("blobs").toAbsolutePath()));
        });
    }

    @Test
    void a_directory_of_its_own_when_given() {
        runner.withPropertyValues("vigil.blobs.dir=" + temp.resolve("images")).run(context ->
                assertThat(((FileSystemBlobStore) context.getBean(BlobStore.class)).root())
                        .isEqualTo(temp.resolve("images").toAbsolutePath()));
    }

    @Test
    void s3_without_a_bucket_stops_the_start_naming_the_property() {
        runner.withPropertyValues("vigil.blobs.type=s3", "vigil.blobs.s3.endpoint=http://127.0.0.1:9")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .rootCause().hasMessageContaining("vigil.blobs.s3.bucket"));
    }

    @Test
    void s3_when_asked_for() throws Exception {
        try (S3ProxyServer server = S3ProxyServer.start(temp.resolve("s3"))) {
            runner.withPropertyValues("vigil.blobs.type=S3", "vigil.blobs.s3.endpoint=" + server.endpoint(),
                    "vigil.blobs.s3.bucket=configured", "vigil.blobs.s3.create-bucket=true",
                    "vigil.blobs.s3.access-key=" + S3ProxyServer.ACCESS_KEY,
                    "vigil.blobs.s3.secret-key=" + S3ProxyServer.SECRET_KEY,
                    "vigil.blobs.s3.api-call-timeout=5s").run(context -> {
                        BlobStore store = context.getBean(BlobStore.class);
                        assertThat(store).isInstanceOf(S3BlobStore.class);
                        assertThat(store.describe()).isEqualTo("s3 configured/captures/@" + server.endpoint());
                        assertThat(store.stat(store.put(new byte[] {1}, "image/jpeg").key())).isPresent();
                    });
        }
    }
}
