#include <bits/stdc++.h>
using namespace std;

int main() {
    string t, p; cin >> t >> p; int c = 0;
    for (size_t i = t.find(p); i != string::npos; i = t.find(p, i + 1)) c++;
    cout << c << "\n";
}
