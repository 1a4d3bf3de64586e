package io.vigil.query.capture;

import io.vigil.core.DomainException;
import io.vigil.core.Rejection;
import io.vigil.platform.blob.BlobStore;
import io.vigil.platform.security.CurrentUser;
import java.util.List;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRange;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A capture's image, streamed from the blob store to the device's organisation. The content never changes (the key
 * is its hash), so the ETag is the hash and a browser may keep it for a year; one byte range is served as 206 (a
 * viewer seeking in a large image), several ranges as the whole image. A purged image is 410.
 */
@RestController
class CaptureImageController {
    private static final int CHUNK = 64 * 1024;
    private final DatabaseClient db;
    private final BlobStore blobs;

    CaptureImageController(DatabaseClient db, BlobStore blobs) {
        this.db = db;
        this.blobs = blobs;
    }

    private record Image(String blobKey, String sha256, String contentType, long size, boolean purged) {
    }

    @GetMapping("/api/v1/captures/{captureId}/image")
    Mono<Void> image(@PathVariable String captureId, @AuthenticationPrincipal Jwt jwt, ServerWebExchange exchange) {
        return db.sql("""
                        SELECT blob_key, sha256, content_type, size, image_purged_at IS NOT NULL AS purged
                        FROM capture_view WHERE capture_id = :id AND org = :org""")
                .bind("id", captureId).bind("org", CurrentUser.org(jwt).value())
                .map(row -> new Image(row.get("blob_key", String.class), row.get("sha256", String.class),
                        row.get("content_type", String.class), row.get("size", Long.class),
                        Boolean.TRUE.equals(row.get("purged", Boolean.class))))
                .one()
                .switchIfEmpty(Mono.error(() -> CaptureQueryController.notFound(captureId)))
                .flatMap(image -> serve(image, exchange));
    }

    private Mono<Void> serve(Image image, ServerWebExchange exchange) {
        if (image.purged()) {
            return Mono.error(new DomainException(Rejection.GONE, "image_purged",
                    "This capture's image was purged (its retention ended); the capture's record is kept"));
        }
        ServerHttpResponse response = exchange.getResponse();
        HttpHeaders headers = response.getHeaders();
        String etag = "\"" + image.sha256() + "\"";
        headers.setETag(etag);
        headers.setCacheControl("private, max-age=31536000, immutable");
        headers.set(HttpHeaders.ACCEPT_RANGES, "bytes");
        if (exchange.getRequest().getHeaders().getIfNoneMatch().stream()
                .anyMatch(tag -> tag.equals(etag) || tag.equals("*") || tag.equals("W/" + etag))) {
            response.setStatusCode(HttpStatus.NOT_MODIFIED);
            return response.setComplete();
        }
        long from = 0;
        long length = image.size();
        List<HttpRange> ranges = ranges(exchange, image.size());
        if (ranges.size() == 1) {
            from = ranges.get(0).getRangeStart(image.size());
            length = ranges.get(0).getRangeEnd(image.size()) - from + 1;
            response.setStatusCode(HttpStatus.PARTIAL_CONTENT);
            headers.set(HttpHeaders.CONTENT_RANGE, "bytes " + from + "-" + (from + length - 1) + "/" + image.size());
        }
        headers.setContentType(MediaType.parseMediaType(image.contentType()));
        headers.setContentLength(length);
        long start = from;
        long count = length;
        return response.writeWith(DataBufferUtils.readInputStream(() -> blobs.read(image.blobKey(), start, count),
                        response.bufferFactory(), CHUNK)
                .subscribeOn(Schedulers.boundedElastic()));
    }

    /** The request's ranges, or none; a range outside the image is a 416 that says the image's size. */
    private static List<HttpRange> ranges(ServerWebExchange exchange, long size) {
        String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.RANGE);
        if (header == null) {
            return List.of();
        }
        List<HttpRange> ranges;
        try {
            ranges = HttpRange.parseRanges(header);
            for (HttpRange r : ranges) {
                if (r.getRangeStart(size) >= size || r.getRangeStart(size) > r.getRangeEnd(size)) {
                    throw new IllegalArgumentException("outside");
                }
            }
        } catch (IllegalArgumentException e) {
            exchange.getResponse().getHeaders().set(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
            throw new DomainException(Rejection.RANGE_NOT_SATISFIABLE, "range_not_satisfiable", "The range '"
                    + (header.length() > 60 ? header.substring(0, 60) : header) + "' is not within the image's "
                    + size + " bytes");
        }
        return ranges.size() == 1 ? ranges : List.of();
    }
}
