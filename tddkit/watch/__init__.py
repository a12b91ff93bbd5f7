"""Watch mode: re-run the kata on every save and show the light, in a blink.

    forkserver  a long-lived process that has imported pytest and Hypothesis, forking a test process per run
    runners     the watcher's side of a run: through the fork server, or a plain subprocess where fork is missing
    watcher     file events from the workspace, and a snapshot of the files that can change a run
    screen      how verdicts are shown: JSON lines, plain lines, or redrawn in place on a terminal
    keys        single keypresses on a terminal
    loop        ties them together: coalesce events, start, cancel and judge runs, answer keys
"""
