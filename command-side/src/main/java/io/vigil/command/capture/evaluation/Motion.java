package io.vigil.command.capture.evaluation;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.vigil.core.capture.Box;

/**
 * Where two grey frames of one camera differ, as a few boxes: per-pixel difference, then a grid of cells
 * ({@value #CELL} analysis pixels square) marked changed when enough of their pixels changed, then connected
 * groups of changed cells. The grid is the morphological clean-up: one noisy pixel never changes a cell, and a
 * moving thing whose inside is uniform (and so does not change) still joins up through its changed cells.
 *
 * <p>Boxes are the extent of the changed pixels of a group (not of its cells), scaled to original pixels.
 */
final class Motion {

    /** Cell side in analysis pixels: 8 px is 1/40 of a 320 px wide frame, about a person's width at 10 m. */
    static final int CELL = 8;

    /** Cells within this many cells of each other join one region, so a thing split by one quiet cell is one box. */
    private static final int JOIN = 2;

    /** A region with fewer changed pixels than this fraction of the frame is noise (a leaf, a JPEG artefact). */
    private static final double MIN_REGION_FRACTION = 0.001;

    /**
     * @param pixelThreshold a pixel changed when its luminance moved by more than this (out of 255) after the two
     *                       frames' mean brightness difference is taken out
     * @param cellFraction   a cell changed when at least this fraction of its pixels changed
     * @param sceneFraction  when more than this fraction of the cells changed, the camera moved or the light
     *                       changed: the whole scene, not something in it, so no boxes
     * @param maxRegions     at most this many boxes, the largest
     */
    record Settings(int pixelThreshold, double cellFraction, double sceneFraction, int maxRegions) {
    }

    /**
     * @param changedFraction fraction of the frame's pixels that changed
     * @param regions         largest first, at most {@code maxRegions}
     * @param regionsFound    how many regions there were before the limit
     * @param sceneChanged    too much changed to be motion in the scene
     */
    record Result(double changedFraction, double changedCellFraction, List<Region> regions, int regionsFound,
                  boolean sceneChanged) {
    }

    /** @param confidence fraction of the pixels of the region's changed cells that changed */
    record Region(Box box, double confidence, int changedPixels) {
    }

    private Motion() {
    }

    static Result compare(GreyFrame current, GreyFrame previous, Settings settings) {
        int w = current.width();
        int h = current.height();
        int cols = (w + CELL - 1) / CELL;
        int rows = (h + CELL - 1) / CELL;
        Cells cells = new Cells(cols, rows);
        int offset = (int) Math.round(current.mean() - previous.mean());
        int[] a = current.luma();
        int[] b = previous.luma();
        int changed = 0;
        for (int y = 0; y < h; y++) {
            int rowStart = y * w;
            int cellRow = (y / CELL) * cols;
            for (int x = 0; x < w; x++) {
                if (Math.abs(a[rowStart + x] - b[rowStart + x] - offset) > settings.pixelThreshold()) {
                    cells.add(cellRow + x / CELL, x, y);
                    changed++;
                }
            }
        }
        boolean[] marked = new boolean[cols * rows];
        int markedCount = 0;
        for (int c = 0; c < marked.length; c++) {
            int cw = Math.min(CELL, w - (c % cols) * CELL);
            int ch = Math.min(CELL, h - (c / cols) * CELL);
            marked[c] = cells.count[c] > 0 && cells.count[c] >= settings.cellFraction() * cw * ch;
            markedCount += marked[c] ? 1 : 0;
        }
        double changedFraction = (double) changed / (w * h);
        double cellFraction = (double) markedCount / marked.length;
        if (cellFraction > settings.sceneFraction()) {
            return new Result(changedFraction, cellFraction, List.of(), 0, true);
        }
        List<Region> regions = regions(cells, marked, current);
        int found = regions.size();
        regions.sort(Comparator.comparingInt(Region::changedPixels).reversed());
        return new Result(changedFraction, cellFraction,
                List.copyOf(regions.subList(0, Math.min(found, settings.maxRegions()))), found, false);
    }

    private static List<Region> regions(Cells cells, boolean[] marked, GreyFrame frame) {
        int minPixels = (int) Math.ceil(MIN_REGION_FRACTION * frame.width() * frame.height());
        boolean[] seen = new boolean[marked.length];
        List<Region> regions = new ArrayList<>();
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int start = 0; start < marked.length; start++) {
            if (!marked[start] || seen[start]) {
                continue;
            }
            Extent extent = new Extent();
            seen[start] = true;
            queue.add(start);
            while (!queue.isEmpty()) {
                int c = queue.poll();
                extent.add(cells, c, frame.width(), frame.height());
                int cx = c % cells.cols;
                int cy = c / cells.cols;
                for (int ny = Math.max(0, cy - JOIN); ny <= Math.min(cells.rows - 1, cy + JOIN); ny++) {
                    for (int nx = Math.max(0, cx - JOIN); nx <= Math.min(cells.cols - 1, cx + JOIN); nx++) {
                        int n = ny * cells.cols + nx;
                        if (marked[n] && !seen[n]) {
                            seen[n] = true;
                            queue.add(n);
                        }
                    }
                }
            }
            if (extent.changed >= minPixels) {
                regions.add(extent.region(frame));
            }
        }
        return mergeOverlapping(regions);
    }

    /** Regions joined through cells can still have overlapping boxes (an L and a block inside its corner). */
    private static List<Region> mergeOverlapping(List<Region> regions) {
        List<Region> merged = new ArrayList<>(regions);
        boolean again = true;
        while (again) {
            again = false;
            outer:
            for (int i = 0; i < merged.size(); i++) {
                for (int j = i + 1; j < merged.size(); j++) {
                    Region r = merged.get(i);
                    Region s = merged.get(j);
                    if (overlap(r.box(), s.box())) {
                        int pixels = r.changedPixels() + s.changedPixels();
                        double confidence = (r.confidence() * r.changedPixels() + s.confidence() * s.changedPixels())
                                / pixels;
                        merged.set(i, new Region(r.box().union(s.box()), confidence, pixels));
                        merged.remove(j);
                        again = true;
                        break outer;
                    }
                }
            }
        }
        return merged;
    }

    private static boolean overlap(Box a, Box b) {
        return a.x() < b.x() + b.w() && b.x() < a.x() + a.w() && a.y() < b.y() + b.h() && b.y() < a.y() + a.h();
    }

    /** Per cell: how many pixels changed, and the bounding box of those pixels. */
    private static final class Cells {
        final int cols;
        final int rows;
        final int[] count;
        final int[] minX;
        final int[] minY;
        final int[] maxX;
        final int[] maxY;

        Cells(int cols, int rows) {
            this.cols = cols;
            this.rows = rows;
            int n = cols * rows;
            count = new int[n];
            minX = new int[n];
            minY = new int[n];
            maxX = new int[n];
            maxY = new int[n];
        }

        void add(int cell, int x, int y) {
            if (count[cell]++ == 0) {
                minX[cell] = x;
                maxX[cell] = x;
                minY[cell] = y;
                maxY[cell] = y;
                return;
            }
            minX[cell] = Math.min(minX[cell], x);
            maxX[cell] = Math.max(maxX[cell], x);
            minY[cell] = Math.min(minY[cell], y);
            maxY[cell] = Math.max(maxY[cell], y);
        }
    }

    /** One connected group of changed cells being collected. */
    private static final class Extent {
        int changed;
        int cellPixels;
        int left = Integer.MAX_VALUE;
        int top = Integer.MAX_VALUE;
        int right = -1;
        int bottom = -1;

        void add(Cells cells, int c, int width, int height) {
            changed += cells.count[c];
            cellPixels += Math.min(CELL, width - (c % cells.cols) * CELL)
                    * Math.min(CELL, height - (c / cells.cols) * CELL);
            left = Math.min(left, cells.minX[c]);
            top = Math.min(top, cells.minY[c]);
            right = Math.max(right, cells.maxX[c]);
            bottom = Math.max(bottom, cells.maxY[c]);
        }

        /** In original pixels: an analysis pixel covers {@code scale} original ones, clipped at the edges. */
        Region region(GreyFrame frame) {
            int s = frame.scale();
            int x = left * s;
            int y = top * s;
            int w = Math.min((right + 1) * s, frame.originalWidth()) - x;
            int h = Math.min((bottom + 1) * s, frame.originalHeight()) - y;
            return new Region(new Box(x, y, w, h), Math.min(1.0, (double) changed / cellPixels), changed);
        }
    }
}
