// Writes a camera-like JPEG (gradient, shapes, sensor noise) with a 48-byte comment segment right after SOI, which
// upload.lua rewrites per request so that every upload is a new image (a new blob, a real write).
// java Photo.java OUT WIDTH HEIGHT NOISE
import java.awt.*; import java.awt.image.*; import javax.imageio.*; import java.io.*; import java.util.*;
/** A camera-like frame: gradient, shapes, sensor noise; a COM segment of 48 zero bytes right after SOI (offset 6). */
public class Photo { public static void main(String[] a) throws Exception {
  int w = Integer.parseInt(a[1]), h = Integer.parseInt(a[2]), noise = Integer.parseInt(a[3]); Random r = new Random(7);
  BufferedImage i = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB); Graphics2D g = i.createGraphics();
  g.setPaint(new GradientPaint(0, 0, new Color(60, 80, 110), w, h, new Color(200, 190, 170))); g.fillRect(0, 0, w, h);
  for (int k = 0; k < 40; k++) { g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256))); g.fillRect(r.nextInt(w), r.nextInt(h), 20 + r.nextInt(200), 20 + r.nextInt(150)); }
  g.dispose();
  for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) { int c = i.getRGB(x, y); int n = r.nextInt(2 * noise + 1) - noise;
    int rr = Math.max(0, Math.min(255, ((c >> 16) & 255) + n)), gg = Math.max(0, Math.min(255, ((c >> 8) & 255) + n)), bb = Math.max(0, Math.min(255, (c & 255) + n));
    i.setRGB(x, y, (rr << 16) | (gg << 8) | bb); }
  ByteArrayOutputStream o = new ByteArrayOutputStream(); ImageIO.write(i, "jpg", o); byte[] j = o.toByteArray();
  byte[] out = new byte[j.length + 52]; out[0] = j[0]; out[1] = j[1]; out[2] = (byte) 0xff; out[3] = (byte) 0xfe; out[4] = 0; out[5] = 50;
  System.arraycopy(j, 2, out, 54, j.length - 2);
  try (FileOutputStream f = new FileOutputStream(a[0])) { f.write(out); } System.out.println(out.length); } }
