#include <bits/stdc++.h>
using namespace std;

int main() {
    static char buf[1 << 20]; size_t n = fread(buf, 1, sizeof buf, stdin); long long digits = 0, letters = 0, h = 0;
    for (size_t i = 0; i < n; i++) { char ch = buf[i]; if (isspace((unsigned char)ch)) continue; if (isdigit((unsigned char)ch)) digits++; else letters++; h = h * 31 + ch; }
    cout << digits << " " << letters << " " << h << "\n";
}
