"""Development helpers shared by tests, benchmarks and scripts (not installed with cfnfix).

``corpus`` (the shared corpus's template files), ``engine_patches`` (generated patches),
``touched`` (the touched-lines oracle), ``golden_cases`` (golden folders), ``lint_oracle``
(cfn-lint errors a fix introduced).
"""
