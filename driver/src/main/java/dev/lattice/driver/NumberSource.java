package dev.lattice.driver;

import java.sql.SQLException;

/**
 * Hands out the numbers rows of numbered tables take when they are settled ({@link Replica#settle}). A space has one
 * source, which never hands out a number twice: the sync server, or the one device that serves the others
 * ({@link Replica#numberSource()}). Two sources handing out numbers for one space would hand out the same ones.
 */
@FunctionalInterface
public interface NumberSource {
  /**
   * The first of {@code count} consecutive numbers of {@code counter}, all above {@code highestKnown} and above every
   * number this source handed out before for that counter.
   *
   * @param counter which count the numbers come from ({@link NumberedTable#counter()}): a numbered table's name, with
   *     the values of its key's other columns for a composite key
   * @param highestKnown the highest number of the table the asking replica holds settled, 0 if none
   * @param count how many numbers; 0 only raises the source's counter to {@code highestKnown}
   */
  long allocate(String counter, long highestKnown, int count) throws SQLException;
}
