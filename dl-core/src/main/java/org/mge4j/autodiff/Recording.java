package org.mge4j.autodiff;

/**
 * The span during which at least one {@link GradManager} records. Nodes made in one recording are dead
 * after it ends, so a graph never silently grows across training steps.
 */
final class Recording {
    volatile boolean active = true;
}
