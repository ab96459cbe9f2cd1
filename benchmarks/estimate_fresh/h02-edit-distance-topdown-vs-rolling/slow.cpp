#include <bits/stdc++.h>
using namespace std;

string a, b;
vector<vector<int>> memo;

// Top-down edit distance with a memo table.
int solve(int i, int j) {
    if (i == (int)a.size()) return (int)b.size() - j;
    if (j == (int)b.size()) return (int)a.size() - i;
    int &res = memo[i][j];
    if (res != -1) return res;
    if (a[i] == b[j]) return res = solve(i + 1, j + 1);
    res = 1 + min({solve(i + 1, j), solve(i, j + 1), solve(i + 1, j + 1)});
    return res;
}

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    cin >> a >> b;
    memo.assign(a.size(), vector<int>(b.size(), -1));
    cout << solve(0, 0) << "\n";
    return 0;
}
