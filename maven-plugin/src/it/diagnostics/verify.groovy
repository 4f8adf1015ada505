// The build failed on the .opt errors, and the log shows each one as a build error with file:line:col, its source
// line and caret, from both files (one build reports every error).
def log = new File(basedir, 'build.log').text
def opt = new File(basedir, 'src/main/opt').canonicalPath
assert log.contains("[ERROR] ${opt}/typo.opt:10:17: error[E013]: unknown optimizer `adma`") : 'typo.opt:10:17 not reported as a build error'
assert log.contains('                    ^^^^') : 'no caret under the unknown optimizer'
assert log.contains('  help: did you mean `adam`?')
assert log.contains("[ERROR] ${opt}/widths.opt:2:10: error[E051]: the model returns width 32 but declares `-> 10`") : 'widths.opt:2:10 not reported'
assert log.contains('optc: 2 errors in') : 'the failure does not count the errors'
assert log.contains('BUILD FAILURE')
assert !new File(basedir, 'target/classes/dev/optc/generated/TypoTrainer.class').exists()
return true
