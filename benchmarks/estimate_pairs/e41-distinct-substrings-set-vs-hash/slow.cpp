#include <bits/stdc++.h>
using namespace std;

int main() {
    string s; int k; cin >> s >> k; set<string> seen;
    for (size_t i = 0; i + k <= s.size(); i++) seen.insert(s.substr(i, k));
    cout << seen.size() << "\n";
}
