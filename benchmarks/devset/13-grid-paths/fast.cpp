#include <bits/stdc++.h>
using namespace std;

int main() {
    int R, C;
    cin >> R >> C;
    vector<string> grid(R);
    for (auto &row : grid) cin >> row;
    vector<vector<long long>> dp(R + 1, vector<long long>(C + 1, 0));
    for (int r = R - 1; r >= 0; r--)
        for (int c = C - 1; c >= 0; c--) {
            if (grid[r][c] == '#') continue;
            if (r == R - 1 && c == C - 1) dp[r][c] = 1;
            else dp[r][c] = dp[r + 1][c] + dp[r][c + 1];
        }
    cout << dp[0][0] << endl;
}
