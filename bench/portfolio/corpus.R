# Builds the R part of the portfolio corpus (bench/portfolio/README.md lists every data set).
#   Rscript bench/portfolio/corpus.R MEDIUM_FOLDER OUTPUT_FOLDER
# MEDIUM_FOLDER holds the medium/ CSVs of the shared datasets (rebuilt by datasets medium/export.R);
# those of more than 5,000 rows are subsampled here (seeded). The rest comes from R packages
# installed by Debian: apt-get install r-base-core r-cran-aer r-cran-kernlab
# Never mlbench or modeldata: they are kept for independent evaluation.
# Every CSV: header row, target column last, factors as labels, missing cells empty.
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) stop("usage: Rscript corpus.R MEDIUM_FOLDER OUTPUT_FOLDER")
medium <- args[1]
out <- args[2]
dir.create(out, showWarnings = FALSE, recursive = TRUE)
MAX_ROWS <- 5000

write_set <- function(df, target, name) {
  df <- df[, c(setdiff(names(df), target), target)]
  if (nrow(df) > MAX_ROWS) {
    set.seed(20)
    df <- df[sort(sample.int(nrow(df), MAX_ROWS)), ]
  }
  write.csv(df, file.path(out, paste0(name, ".csv")), row.names = FALSE, na = "")
  cat(sprintf("%s: %d rows, %d columns, target %s\n", name, nrow(df), ncol(df), target))
}

# medium/: target already last; subsample the large ones.
for (f in c("spam", "health-insurance", "smoke-ban", "ticdata", "income", "doctor-visits", "cps1988", "diamonds", "fertility")) {
  df <- read.csv(file.path(medium, paste0(f, ".csv")), check.names = FALSE, na.strings = "", stringsAsFactors = FALSE)
  write_set(df, names(df)[ncol(df)], f)
}

suppressPackageStartupMessages({ library(AER); library(kernlab) })
ds <- function(name, package) {
  e <- new.env()
  data(list = name, package = package, envir = e)
  get(name, envir = e)
}

# Classification
write_set(ds("musk", "kernlab"), "Class", "musk")
cc <- ds("CreditCard", "AER")
# share and expenditure are spending on the card: known only for holders (a target leak).
write_set(cc[, setdiff(names(cc), c("share", "expenditure"))], "card", "credit-card")
write_set(ds("HMDA", "AER"), "deny", "hmda")
write_set(ds("SwissLabor", "AER"), "participation", "swiss-labor")

# Regression
write_set(ds("CPS1985", "AER"), "wage", "cps1985")
write_set(ds("HousePrices", "AER"), "price", "house-prices")
tr <- ds("TeachingRatings", "AER")
# prof is an instructor id (several courses each), a grouping, not a feature.
write_set(tr[, setdiff(names(tr), "prof")], "eval", "teaching-ratings")
write_set(ds("NMES1988", "AER"), "visits", "nmes1988")
cd <- ds("CollegeDistance", "AER")
write_set(cd, "education", "college-distance")
