package org.barman.core.hook;

import org.barman.api.BarmanException;

/** A pre retry hook script returned ABORT_STOP (63): the operation must not happen. */
public final class HookAbortedException extends BarmanException {

    HookAbortedException(String message) {
        super(message);
    }
}
