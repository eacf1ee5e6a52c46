package org.btblocker.engine;

/**
 * Receives the engine's decisions. Called on the engine's thread, inside {@code inspect}: hand slow work (bans,
 * I/O) to another thread.
 */
@FunctionalInterface
public interface DecisionListener {

    /** A flow was decided (blocked or allowed), or left the table undecided (then {@code blocked} is false). */
    void onDecision(Decision decision);
}
