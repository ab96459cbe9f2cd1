#include <bits/stdc++.h>
using namespace std;

int main() {
    char ch; long long digits = 0, letters = 0, h = 0;
    while (cin >> ch) { if (isdigit((unsigned char)ch)) digits++; else letters++; h = h * 31 + ch; }
    cout << digits << " " << letters << " " << h << "\n";
}
