// The first build compiled tiny.opt; the second found it unchanged and did not run the compiler again.
def log = new File(basedir, 'build.log').text
assert new File(basedir, 'target/classes/dev/optc/generated/TinyTrainer.class').isFile()
assert log.contains('optc: 1 .opt file(s) unchanged, nothing to compile') : 'the second build compiled again'
return true
