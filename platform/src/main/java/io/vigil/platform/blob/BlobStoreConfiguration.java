package io.vigil.platform.blob;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one {@link BlobStore} of a service, chosen by {@code vigil.blobs.type}. Picked up by the platform's component
 * scan, so the command side (which stores images) and the query side (which serves them) get the same store from the
 * same properties. An S3 store is connected here, at start-up: a missing bucket or refused credentials stop the
 * service with the property to fix, instead of failing every capture later.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(BlobProperties.class)
public class BlobStoreConfiguration {
    private static final Logger log = LoggerFactory.getLogger(BlobStoreConfiguration.class);

    /** Closed with the context (an S3 store's connection pool); a file-system store has nothing to close. */
    @Bean
    BlobStore blobStore(BlobProperties properties) {
        BlobStore store = switch (properties.type()) {
            case FILESYSTEM -> new FileSystemBlobStore(properties.dir());
            case S3 -> S3BlobStore.connect(properties.s3());
        };
        log.info("Capture images are kept in {}", store.describe());
        return store;
    }
}
