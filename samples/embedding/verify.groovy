// Run by optc's build after `mvn package exec:exec` of this sample: the app trained through the generated class and
// printed its validation accuracy, which must be that of a working digits classifier, and the reloaded weights agree.
def log = new File(basedir, 'build.log').text
assert new File(basedir, 'target/classes/dev/optc/generated/DigitsTrainer.class').isFile() : 'the plugin generated no trainer class'
def accuracy = (log =~ /validation accuracy (\d\.\d+), loss/)
assert accuracy.find() : 'the app printed no validation accuracy'
def value = accuracy.group(1) as double
assert value >= 0.9 && value <= 1.0 : "validation accuracy ${value} is not that of a working classifier"
def reloaded = (log =~ /reloaded from .*: validation accuracy (\d\.\d+)/)
assert reloaded.find() && reloaded.group(1) == accuracy.group(1) : 'the reloaded weights do not give the same accuracy'
assert (log =~ /row \d: predicted \d/).find() : 'the app printed no predictions'
println "embedding sample: validation accuracy ${value}"
return true
