#include <bits/stdc++.h>
using namespace std;

int r, c;
vector<string> grid;
vector<vector<long long>> memo;

// Same recursion, each cell's count remembered.
long long paths(int i, int j) {
    if (i >= r || j >= c || grid[i][j] == '#') return 0;
    if (i == r - 1 && j == c - 1) return 1;
    long long &res = memo[i][j];
    if (res >= 0) return res;
    return res = paths(i + 1, j) + paths(i, j + 1);
}

int main() {
    cin >> r >> c;
    grid.resize(r);
    for (auto &row : grid) cin >> row;
    memo.assign(r, vector<long long>(c, -1));
    cout << paths(0, 0) << "\n";
    return 0;
}
