from memobench.cli import main

main()
