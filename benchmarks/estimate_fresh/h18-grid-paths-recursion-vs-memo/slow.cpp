#include <bits/stdc++.h>
using namespace std;

int r, c;
vector<string> grid;

// Monotone paths (right/down) from (i, j) to the bottom-right corner, avoiding '#'.
long long paths(int i, int j) {
    if (i >= r || j >= c || grid[i][j] == '#') return 0;
    if (i == r - 1 && j == c - 1) return 1;
    return paths(i + 1, j) + paths(i, j + 1);
}

int main() {
    cin >> r >> c;
    grid.resize(r);
    for (auto &row : grid) cin >> row;
    cout << paths(0, 0) << "\n";
    return 0;
}
