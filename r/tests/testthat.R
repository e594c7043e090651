library(testthat)
library(ginikit)

test_check("ginikit")
