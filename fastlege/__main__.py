from fastlege.cli import main

main()
