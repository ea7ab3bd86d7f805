package org.mge4j.module;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives a {@link Module} field the exact attribute name it has in keys ({@code namedParameters}, {@code stateDict})
 * and in the repr, instead of the default snake_case form of the Java name ({@code runningMean} becomes
 * {@code running_mean}). Use it when a state dict from elsewhere spells a key differently, e.g.
 * {@code @AttributeName("fcOut") Linear fcOut;} to keep the camelCase key.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface AttributeName {
    /** The attribute name used in keys. */
    String value();
}
