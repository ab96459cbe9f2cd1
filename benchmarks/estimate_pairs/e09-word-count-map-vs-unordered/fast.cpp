#include <bits/stdc++.h>
using namespace std;

int main() {
    ios::sync_with_stdio(false); cin.tie(nullptr);
    unordered_map<string, int> f; f.reserve(4096); string w; int best = 0;
    while (cin >> w) best = max(best, ++f[w]);
    cout << f.size() << " " << best << "\n";
}
