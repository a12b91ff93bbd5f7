"""Every sentence tddkit says to a person, in one place, so wording can be read and changed
without reading logic. Placeholders are filled with str.format."""

# -- kata names -------------------------------------------------------------------------
UNKNOWN_KATA = "unknown kata '{}'; {}"
DID_YOU_MEAN = "did you mean '{}'?"
KNOWN_KATAS = "the katas are: {}"
UNRECOGNIZED = "unrecognized arguments: {}"

# -- workspaces ---------------------------------------------------------------------------
NOT_A_WORKSPACE = "{} is not a tddkit workspace; make one with `tddkit init my-katas` and cd into it"
ALREADY_A_WORKSPACE = "{} is already a tddkit workspace; nothing was changed (to start over, `tddkit init` another folder)"
INIT_WOULD_OVERWRITE = "{} already has {}; nothing was changed (choose an empty or new folder)"
NOT_A_WORKSPACE_REPAIRABLE = ("{path} looks like a tddkit workspace whose .tddkit/ folder is gone; "
                              "`tddkit init --repair {cd}` makes it again (katas/ is left as it is)")
INIT_INSIDE_A_WORKSPACE = "{} is inside the tddkit workspace {}; nothing was changed (make a new one outside it)"
REPAIR_NOT_NEEDED = "{} is a tddkit workspace already; nothing to repair"
REPAIR_NOT_A_WORKSPACE = "{} does not look like a tddkit workspace (no katas/, tests/ and lessons/); nothing was changed"
REPAIR_DONE = """Repaired the tddkit workspace in {path}: katas/ is as it was; {restored}.
The history of your runs was in .tddkit/ and is not: `tddkit next` finds where your code is."""
REPAIR_RESTORED = "put back {}"
REPAIR_NOTHING_MISSING = "no other file was missing"
INIT_NOT_A_FOLDER = "{} is a file, not a folder; nothing was changed"
INIT_FAILED = "could not make a workspace in {} ({}); nothing was left behind"
INIT_DONE = """Made a tddkit workspace in {path}

  cd {cd}
  tddkit next        the next kata and step: the lesson, the failing test, where to edit
  tddkit watch       re-run on every save: RED / AMBER / GREEN
  tddkit status      your progress

Plain `pytest` works here too."""

# -- lights -------------------------------------------------------------------------------
LIGHT_WORDS = {"green": "GREEN", "red": "RED", "amber": "AMBER", "partial": "PARTIAL"}
LIGHT_SYMBOLS = {"green": "[ok]", "red": "[x]", "amber": "[!]", "partial": "[-]"}
TAMPERED = "the kata's shipped files were changed ({}); restore them with `tddkit reset {} --tests`"
TIMED_OUT = "timed out after {} s {}"
DURING = "during {}"
DURING_COLLECTION = "while importing the tests"
COLLECTION_ERROR = "the tests could not be loaded: {}"
OWN_COLLECTION_ERROR = "your test file {} could not be loaded: {}"
OWN_TEST_FAILED = "the kata's tests pass; your own test {} did not"
OWN_SUMMARY = "your tests: {}"
OWN_COUNTS = {"passed": "{} passed", "failed": "{} failed", "other": "{} skipped or xfailed"}
NEW_TEST_WRITTEN = "Wrote {path}: your own tests of {kata}, run after the kata's by `tddkit run {kata}` and `watch`."
NEW_TEST_FAILED = "could not write {path}: {error}"
NEW_TEST_EXISTS = "{path} is there already; it is left as it is (edit it, or add another tests/test_*.py)"
# The "write the tests" mode (grading.py): the learner's tests graded against the reference and the mutants.
GRADE_NO_FILES = "no test file of yours imports the {kata} kata: `tddkit write-tests {kata}` writes one to start from"
GRADE_NO_TESTS = "your test files hold no test: write a function whose name starts with test_"
GRADE_WRONG_TEST = "your test {} fails on a correct solution, so the test is wrong"
GRADE_MISSED = "{} known mistake(s) pass every one of your tests"
GRADE_SUMMARY = "{light} write-tests {kata}: {valid}/{total} of your tests pass on a correct solution, mistakes caught {caught}/{mutants}"
GRADE_WRONG_HEADER = "A wrong test fails on a correct solution (fix the test, not the code):"
GRADE_MISSED_HEADER = "Not caught yet: mistakes of these kinds pass all your tests (write a test that one of them fails):"
GRADE_MISSED_ROW = "  - {}"
GRADE_ALL_CAUGHT = "Every known mistake fails one of your tests, and every test passes on a correct solution."
GRADE_EDIT = "Edit {files}: the contract to test is in `tddkit lesson {kata}`."
GRADE_STARTED = ("Wrote {path}: your tests of {kata}, graded by `tddkit write-tests {kata}` against a correct "
                 "solution and {mutants} known mistakes.")
GRADE_WATCHING = "Grading your tests of {kata} on every save of {files} (Ctrl-C stops)."
CRASHED = "the test process crashed ({}) {}"
EXITED_EARLY = "the test process exited (status {}) {}, before every test had reported"
OUT_OF_MEMORY = "ran out of memory"
MISSING_TESTS = "{} expected test(s) did not run (deselected, skipped by configuration or removed?): {}"
NO_TESTS = "the kata has no tests to run"
INTERRUPTED = "the tests were interrupted (KeyboardInterrupt) {}"
INTERNAL_ERROR = "pytest itself was stopped {}: {}"
RESULTS_FORGED = "the test process reported some tests twice: something other than the kit wrote results"
TEST_FUNCTION_DID_NOT_RUN = "reported as passed, but the test function never ran to its end (something changed how pytest runs tests)"
ORDER_DEPENDS = ("{} passes when it runs alone, but fails after the tests before it: your code keeps state "
                 "between calls (a cache, a module-level variable, a mutable default), so its answer depends "
                 "on what was asked before")
SPOT = "{file}:{line}"  # where the learner's code was (where.py)
SPOT_IN = " (in {})"
SPOT_SOURCE = ": {}"
STOPPED_AT = "; your code was at {}"  # after TIMED_OUT: where the timeout stopped it
FIRST_OF_A_GROUP = "{group}; the first of them:\n{first}"
TEXT_CUT = "\n... [{} more characters cut]"
OUTPUT_CUT = "\n... [{} more bytes of output cut]"

# -- run / next ---------------------------------------------------------------------------
RUN_SUMMARY = "{light}  {kata}: {passed}/{total} tests passed"
AMBER_REASON = "  why: {}"
FAILING_TEST = "  test  {}"
FAILED_IN_YOUR_CODE = "  in your code: {}"
FAILED_LINE = "      {}"
KNOWN_MISTAKE = "  This looks like a known mistake: {}"  # a RED that a known mutant's failures match (mistakes.py)
KNOWN_MISTAKES = "  This looks like one of these known mistakes: {}"  # ... that two or more mutants' failures match
MISTAKES_OR = "; or "
MORE_LINES = "... ({} more lines)"
MORE_LINES_OF_TEST = "... ({} more lines: `tddkit run {} -v` shows them all)"
LINES_CUT = "..."
SOME_KATA = "KATA"  # in advice given where the kata's name is not known
# pytest's advice in a failure message, as the kit's command that does it
PYTEST_ADVICE = {"Use -v to get more diff": "`tddkit run {kata} -v` shows more of the diff",
                 "use -vv to show": "`tddkit run {kata} -vv` shows them",
                 "use '-vv' to show": "`tddkit run {kata} -vv` shows it all"}
EDIT_HERE = "Edit {} and run again (`tddkit run {}`, or keep `tddkit watch` open)."
HINT_AVAILABLE = "A hint is available: `tddkit hint`."
NO_MORE_HINTS_AVAILABLE = "No more hints for this step."
UNLOCKED_NOW = "Unlocked: the reference solution is in {} (`tddkit solution {}` compares it with yours)."
TAMPERED_NO_UNLOCK = "No unlock while the kata's tests are changed."
LESSON_HEADER = "Kata {n}/{of}: {id} - {title}"
STEP_HEADER = "Step {n}/{of}: {title}"
ALL_DONE = "Every kata is GREEN. Well done! `tddkit status` shows your progress, `tddkit log` your rhythm."
NEXT_KATA = "{} is GREEN; on to the next kata."
NOT_RECORDED = "note: this run could not be recorded ({}); the light above is still right"

# -- run -k / --step: a partial run ------------------------------------------------------------
PARTIAL_SUMMARY = "{light}  {kata}: {passed} of {total} selected tests passed ({selection})"
PARTIAL_NO_LIGHT = ("The kata's light needs a full run: `tddkit run {}` (a partial run is never GREEN, "
                    "never unlocks, and is not recorded).")
SELECTION_K = "-k {}"
SELECTION_STEP = "step {}"
NO_SUCH_STEP = "--step {}: {} has steps 1 to {}"
NOTHING_SELECTED = "{} selects none of the tests of {}"
BAD_K = "-k {!r} is not an expression pytest understands ({})"

# -- status -------------------------------------------------------------------------------
STATUS_ROW = "{mark} {id:<12} {light:<6} {passed:>3}/{total:<3} steps {steps:<7} {unlocked:<8} {grade}"
STATUS_UNLOCKED = "unlocked"
STATUS_GRADE = "write-tests {light} caught {caught}/{mutants}"  # the latest grade of the write-tests mode
STATUS_NEVER_RUN = "-"
STATUS_PROGRESS = "{bar} {done}/{of} katas green"
STATUS_RETIRED = ("note: your history also holds {names}, which this version of the kit does not have "
                  "(renamed or removed); `tddkit log` still shows those runs")

# -- hint ---------------------------------------------------------------------------------
HINT = "Hint {n}/{of} for {kata} step {step} ({title}):\n  {text}"
NO_HINTS = "There are no hints for {} step {}; the lesson has the details: `tddkit next`."
NO_HINT_NEEDED = "{kata} is GREEN: every step passes, no hint needed. `tddkit solution {kata}` shows the reference beside your code."
NO_MORE_HINTS = "That was the last hint for {} step {}. Read the failing test once more: it says what it expects."
HINT_RAN_FIRST = "Ran the tests first, to find your step: {}\n"

# -- solution -----------------------------------------------------------------------------
SOLUTION_REFUSED = "the solution of {} is locked: {}. Make the tests pass first (`tddkit run {}`)"
SOLUTION_NEVER_RUN = "its tests have not been run yet"
SOLUTION_STILL_RED = "{} of {} tests still red"
SOLUTION_AMBER = "the last run was AMBER ({})"
SOLUTION_HEADER = "Reference solution of {}: {}"
SOLUTION_DIFF_HEADER = "Your code against the reference (- yours, + reference):"
SOLUTION_SAME = "Your code is the same as the reference."

# -- reset --------------------------------------------------------------------------------
RESET_DONE = "Restored the stub of {}; your version is kept in {}"
RESET_NOTHING_TO_KEEP = "Restored the stub of {} (there was nothing of yours to keep)."
RESET_TESTS_DONE = "Restored the shipped tests of {}; changed copies are kept in {}"
RESET_TESTS_CLEAN = "The tests of {} were unchanged; nothing to restore."

# -- state ----------------------------------------------------------------------------------
STATE_UNREADABLE = "the state file {} could not be read ({}); it was moved to {} and a fresh one started: your code is untouched, run your katas again to rebuild the lights"
STATE_DAMAGED = "the state file {} is damaged ({}); the next tddkit command moves it aside and starts a fresh one"
STATE_LOCKED = "the state file {} is busy or read-only ({}); try again"

# -- verify -----------------------------------------------------------------------------
VERIFY_ROW = "{kata:<12} {stub:<16} {reference:<18} {mutants:<16} {seconds:>6.1f}s"
VERIFY_HEADER = "{:<12} {:<16} {:<18} {:<16} {:>7}".format("kata", "stub", "reference", "mutants", "time")
VERIFY_MUTANT = "  mutant {name:<28} caught by {by}"
VERIFY_OK = ("verify: every kata is red on its stub, green on its reference, and rejects its mutants, "
             "in file order, reversed and split")
VERIFY_FAILED = "verify: {} problem(s):"
VERIFY_CAUGHT_BY_NOT_EXACT = ("mutant {name}: caught_by must name exactly the tests that fail in file order: "
                              "caught_by = [{tests}]")
VERIFY_CAUGHT_ONLY_AT_TIMES = ("mutant {name}: caught only by tests that catch it at times (sometimes_caught_by): "
                               "no test always rejects this mistake")
VERIFY_NOT_SOURCE = "verify checks the kit's own katas; it needs the kit's content, which was not found"

# -- verify --mutate ----------------------------------------------------------------------
MUTATE_NEEDS_EXTRA = ("verify --mutate needs cosmic-ray, the mutate extra: pip install 'tddkit[mutate]' "
                      "(in a source checkout: pip install -e '.[mutate]')")
MUTATE_NEEDS_KATA = "verify --mutate needs the kata to mutate: tddkit verify --mutate KATA"
MUTATE_START = "{kata}: {total} machine-made mutants of the reference (cosmic-ray {version}), {known} known {equivalents} skipped; running {run} on {workers} workers..."
MUTATE_REFERENCE_NOT_GREEN = "{kata}: the reference is not GREEN ({reason}), so its mutants prove nothing: see tddkit verify {kata}"
MUTATE_SCORE = ("{kata}: {killed} of {run} killed ({timeouts} by the {timeout:g} s timeout): mutation score {score}; "
                "{survivors} {survivor_word}; {seconds:.1f}s")
MUTATE_SURVIVOR = "survivor {n} of {of}: {file} line {line}, {operator}"
MUTATE_RECORD = "  equivalent (it behaves as the reference under the lesson's contract)? add to {meta}:"
MUTATE_STALE = "{kata}: recorded equivalent {n} ({operator}: {old!r}) matches no mutant of the reference any more: remove it"

# -- watch --------------------------------------------------------------------------------
WATCH_HEADER = "tddkit watch: {kata} - {title}"
WATCH_KEYS = "keys: [Enter] run  [h] hint  [i] lesson  [n] next  [l] list  [?] more  [q] quit"  # within 80 columns
WATCH_KEYS_ALL = """Keys (a save re-runs the tests by itself):
  [Enter] [r]  run the tests again now
  [h]          one more hint for the current step
  [i]          the kata's lesson (it is in lessons/ too)
  [n]          the next kata, once this one is GREEN, and its lesson
  [l]          the katas: [j] [k] or arrows move, [Enter] picks one, [Esc] back
  [c]          coverage: the code no test asked for
  [x]          reset to the stub, asking first (yours is kept in .tddkit/backups)
  [?]          these keys
  [q]          quit"""
WATCH_LIST = "Pick a kata: [j] [k] or the arrows move, [Enter] picks the one marked, [Esc] goes back."
WATCH_STILL_ON = "Still on {kata}."
WATCH_RESET_ASK = "Reset {kata} to its stub ({files}), your version kept in .tddkit/backups/? [y/N]"
WATCH_RESET_KEPT = "Nothing was reset: your code is as it was."
WATCH_COVERAGE_RUNNING = "... running coverage of {kata} (the tests run again, under coverage.py)"
WATCH_NO_KEYS = "Ctrl-C to stop"
WATCH_STARTING = "Watching {folders}; a save re-runs the tests of {kata}."
WATCH_RUNNING = "... running the tests of {kata}"
WATCH_TIMES = "(at {clock}, verdict in {seconds:.2f} s)"  # from the save, or from the start of watching
WATCH_EARLY_RED = "{light}  {kata}: {passed}/{total} passed before the first failure; {left} more still running"
WATCH_GREEN_NEXT = "{kata} is GREEN. Press [n] for the next kata ({following}), or keep refactoring: the light stays on."
WATCH_GREEN_LAST = "{kata} is GREEN, and so is every kata: well done! Keep refactoring if you like: the light stays on."
WATCH_NOT_GREEN_YET = "{kata} is not GREEN yet: finish it first (or `tddkit watch KATA` for another kata)."
WATCH_NOW_ON = "Now on {kata}."
WATCH_ALL_DONE = "Every kata is GREEN. Well done!"
WATCH_FALLBACK = "note: running each test process cold (no fork here), so a verdict takes a little longer"
WATCH_BYE = "tddkit watch stopped."

# -- coverage -----------------------------------------------------------------------------
COVERAGE_SUMMARY = "Coverage of {kata} (lines and branches of your code): {percent:.0f}%"
COVERAGE_ALL_ASKED = "Every line and branch of your code ran in some test."
COVERAGE_NOT_ASKED = "Code no test asked for:"
COVERAGE_FILE = "  {path}"
COVERAGE_LINE = "    {line:>4}  {source}    <- never ran"
COVERAGE_BRANCH = "    {line:>4}  {source}    <- never went on to {target}"
COVERAGE_EXIT = "the end of the function"
COVERAGE_EXIT_FILE = "the end of the file"
COVERAGE_TO_LINE = "line {}"
COVERAGE_HTML = "HTML report: {}"
COVERAGE_SOME_FAIL = "Some tests of {kata} fail: what they ran counts all the same (`tddkit run {kata}` shows which fail)."
COVERAGE_NOT_MEASURED = "  {path}: never imported by the tests"
COVERAGE_TESTS_COULD_NOT_RUN = "the tests of {kata} could not run (`tddkit run {kata}` says why), so there is no coverage to show"

# -- log ----------------------------------------------------------------------------------
LOG_ROW = "{when}  {kata:<12} {light} {passed:>3}/{total:<3} {reason}"
LOG_GRADES = "Write-tests mode (your tests graded: valid on a correct solution, known mistakes caught):"
LOG_GRADE_ROW = "{when}  {kata:<12} {light} {valid:>3}/{total:<3} valid, caught {caught}/{mutants}"
LOG_NO_CODE_RUNS = "No runs of your code yet."
LOG_EMPTY = "No runs yet: `tddkit next` or `tddkit watch` starts the first one."
LOG_RHYTHM = ("Rhythm: {runs} runs, {cycles} red->green cycle(s), longest time red {longest}{where}, "
              "{amber} AMBER run(s).")
LOG_LONGEST_WHERE = " ({kata})"

# -- steps that turn green (run, next, watch) and their red->green cycles (log) ------------------
STEP_TURNED_GREEN = "Step {n}/{of} GREEN: {title}"  # every test of the step passed, and did not in the last run
STEPS_TURNED_GREEN = "Steps {steps} of {of} GREEN"
STEPS_AND = "{} and {}"
LOG_STEP_CYCLES = "Red->green cycles per step ({cycles} in all):"
LOG_STEP_ROW = "  {kata:<12} {counts}"
LOG_STEP_COUNT = "step {steps}: {cycles}"
LOG_STEPS_COUNT = "steps {steps}: {cycles}"

# -- kata folders: the kit's content and teachers' packs ------------------------------------
PACK_NOT_A_FOLDER = "{} is not a folder of katas (a kata pack is a folder with katas.toml in it)"
PACK_MISSING_FILE = "{} is missing"
PACK_BAD_FILE = "{} cannot be read ({})"
PACK_BAD_TOML = "{} is not valid TOML: {}"
PACK_BAD_ORDER = "{}: `order` must list the katas' names, in learning order: order = [\"first\", \"second\"]"
PACK_TWICE = "{}: '{}' is named twice"
PACK_NOT_IN_ORDER = "{} is not a kata of this folder: add its name to `order` in {}"
PACK_UNKNOWN_KEY = "{}: unknown key '{}' (the keys are: {})"
PACK_WRONG_TYPE = "{}: '{}' has the wrong type (see docs/authoring.md)"
PACK_MISSING_KEY = "{}: '{}' is missing"
PACK_SHIPPED_MISSING = "{}: the test or given file {} is not in the folder"
PACK_PATH_OUTSIDE = "{}: the path {} must stay inside the folder (no .., not absolute)"
PACK_NOT_UNDER_KATAS = "{}: the learner's path {} is not under katas/"
PACK_NO_REFERENCE = "{}: none of the kata's files has a reference under solutions/"
PACK_NAME_TAKEN = "the pack's kata '{}' has the name of one of the kit's own katas: rename it"
PACK_PATH_TAKEN = "the pack's kata '{}' uses {}, which the kit's kata '{}' uses too"
LESSON_NO_TITLE = "{}: the first line must be the kata's title, as '# Title'"
LESSON_NO_STEPS = "{}: no '{}' line: the steps and their hints go below it"
LESSON_STEP_NUMBER = "{}, line {}: expected '## Step {}: ...', found step {}"
LESSON_STRAY_LINE = "{}, line {}: expected '## Step N: title' or a numbered hint ('1. ...'), found '{}'"
MUTANT_CHANGES_NOTHING = "mutant {}: it has no change and deletes nothing, so it is the reference"
MUTANT_NO_FILE = "mutant {}: {} is not a file of the reference"
MUTANT_CHANGES_DELETED = "mutant {}: it changes {}, which it also deletes"
MUTANT_STALE = ("mutant {}: its change to {} no longer applies: the reference has no text '{}...' as in `old` "
                "(the reference changed: update the mutant)")
MUTANT_AMBIGUOUS = "mutant {}: its change to {} is ambiguous: `old` occurs more than once there (give it more lines)"
CONFIG_UNREADABLE = "the workspace's config {} cannot be read ({})"
CONFIG_BAD_PACK = "the workspace's config {}: `pack` must be a folder's path, as a string"

# -- reset: where the backup or the new files cannot go ---------------------------------------
RESET_CANNOT_KEEP = "could not keep a backup in {} ({}); nothing was changed, your code is where it was"
RESET_CANNOT_WRITE = "could not write the new files of {} ({}); nothing was changed, your code is where it was"

# -- names given empty, and names too long ------------------------------------------------------
EMPTY_FOLDER = "the folder's name is empty (\"\"); name the folder to make, or `.` for this one"
EMPTY_PACK = "the pack's folder is empty (\"\"); name the kata pack's folder, or leave out --pack"

# -- state: a full disk -----------------------------------------------------------------------
STATE_DISK_FULL = "no space left on the disk that holds {} ({}); free some space, then run the command again"
