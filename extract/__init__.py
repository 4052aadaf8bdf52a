"""Extract the tables of the two source documents into tidy CSVs under raw/."""
