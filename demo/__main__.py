"""`python -m demo`: run the worked example."""

from demo.run import main

main()
