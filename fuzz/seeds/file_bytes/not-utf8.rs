fn main() { let s = "ÿþ"; }
