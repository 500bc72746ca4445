package dev.lattice.compat;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A scenario that runs once on {@code jdbc:sqlite:} and once on {@code jdbc:lattice:sqlite:}, asserting the same
 * behaviour on both: the run on PLAIN shows that the assertion is what SQLite itself does, the run on LATTICE that
 * Lattice does it too. The test method takes the {@link Url} as its parameter.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "on {0}")
@EnumSource(Url.class)
public @interface OnBothUrls {}
