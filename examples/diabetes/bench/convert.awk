# The lesson's conversion in awk, for the benchmark: one patient file to CSV with ISO dates and
# the code's description. No validation, as in the lesson: whatever the fields hold is printed.
#   mawk -v out=DIR -f convert.awk data/data-01     writes DIR/data-01.csv
BEGIN {
  FS = "\t"; OFS = ","
  split("33=Regular insulin dose|34=NPH insulin dose|35=UltraLente insulin dose|48=Unspecified blood glucose measurement|57=Unspecified blood glucose measurement|58=Pre-breakfast blood glucose measurement|59=Post-breakfast blood glucose measurement|60=Pre-lunch blood glucose measurement|61=Post-lunch blood glucose measurement|62=Pre-supper blood glucose measurement|63=Post-supper blood glucose measurement|64=Pre-snack blood glucose measurement|65=Hypoglycemic symptoms|66=Typical meal ingestion|67=More-than-usual meal ingestion|68=Less-than-usual meal ingestion|69=Typical exercise activity|70=More-than-usual exercise activity|71=Less-than-usual exercise activity|72=Unspecified special event", pairs, "|")
  for (i in pairs) { eq = index(pairs[i], "="); desc[substr(pairs[i], 1, eq - 1)] = substr(pairs[i], eq + 1) }
}
FNR == 1 {
  name = FILENAME; sub(/.*\//, "", name)
  target = out "/" name ".csv"
  print "date,time,code,description,value" > target
}
{ print substr($1, 7, 4) "-" substr($1, 1, 2) "-" substr($1, 4, 2), $2, $3, desc[$3], $4 > target }
