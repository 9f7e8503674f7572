from crmterm.launch import main

main()
