package org.btblocker.netfilter.firewall;

import java.util.List;

/**
 * One idempotent install step.
 *
 * @param description   what the step makes exist, for error messages ("chain BTBLOCKER (iptables mangle)")
 * @param check         succeeds when the object already exists, so {@code apply} is skipped; null = always apply
 * @param apply         creates the object
 * @param undo          removes it again, in order; empty = nothing to undo (e.g. a rule inside a chain we delete)
 * @param undoIfPresent also undo when the object existed before the install (our own leftovers such as chains and
 *                      jumps); false for objects that hold state worth keeping (ban sets, the nft table)
 */
public record Step(String description, Command check, Command apply, List<Command> undo, boolean undoIfPresent) {

    /** Copies the undo list. */
    public Step {
        undo = List.copyOf(undo);
    }

    /** A step that always runs and needs no undo of its own. */
    static Step always(String description, Command apply) {
        return new Step(description, null, apply, List.of(), false);
    }
}
