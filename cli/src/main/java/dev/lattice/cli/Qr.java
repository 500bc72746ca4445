package dev.lattice.cli;

import io.nayuki.qrcodegen.QrCode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** QR codes (io.nayuki:qrcodegen) drawn in a terminal or written as a PNG. */
final class Qr {
  /** The quiet zone scanners need around a code, in modules. */
  private static final int BORDER = 2;
  private static final int PNG_SCALE = 8;

  private Qr() {}

  /**
   * {@code text} as a QR code in text: two rows of modules per line with half blocks. Drawn for the usual terminal,
   * light text on a dark background: the text's colour is the code's light modules, so dark modules are blanks; on a
   * light theme, {@code --qr file.png} is the code to scan.
   */
  static String terminal(String text) {
    QrCode qr = QrCode.encodeText(text, QrCode.Ecc.MEDIUM);
    StringBuilder out = new StringBuilder();
    for (int y = -BORDER; y < qr.size + BORDER; y += 2) {
      for (int x = -BORDER; x < qr.size + BORDER; x++) {
        boolean top = qr.getModule(x, y);
        boolean bottom = qr.getModule(x, y + 1);
        out.append(top ? (bottom ? ' ' : '▄') : (bottom ? '▀' : '█'));
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** Writes {@code text} as a black-on-white QR code to the PNG file {@code file}, replacing it. */
  static void png(String text, Path file) throws IOException {
    QrCode qr = QrCode.encodeText(text, QrCode.Ecc.MEDIUM);
    int side = (qr.size + 2 * BORDER) * PNG_SCALE;
    BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        boolean dark = qr.getModule(x / PNG_SCALE - BORDER, y / PNG_SCALE - BORDER);
        image.setRGB(x, y, dark ? 0x000000 : 0xFFFFFF);
      }
    }
    Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), ".qr", ".png");
    try {
      ImageIO.write(image, "png", temporary.toFile());
      Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
