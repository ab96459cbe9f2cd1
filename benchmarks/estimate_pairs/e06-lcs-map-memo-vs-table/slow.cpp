#include <bits/stdc++.h>
using namespace std;

string a, b; map<pair<int,int>, int> memo;
int lcs(int i, int j) {
    if (i == (int)a.size() || j == (int)b.size()) return 0;
    auto it = memo.find({i, j}); if (it != memo.end()) return it->second;
    int r = a[i] == b[j] ? 1 + lcs(i + 1, j + 1) : max(lcs(i + 1, j), lcs(i, j + 1));
    return memo[{i, j}] = r;
}
int main() { cin >> a >> b; cout << lcs(0, 0) << "\n"; }
