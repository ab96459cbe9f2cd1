#include <bits/stdc++.h>
using namespace std;

// Longest palindromic subsequence bottom-up: dp[j] holds row i, prev holds row i+1.
int main() {
    string s;
    cin >> s;
    int n = s.size();
    vector<int> dp(n, 0), prev(n, 0);
    for (int i = n - 1; i >= 0; i--) {
        dp[i] = 1;
        for (int j = i + 1; j < n; j++) {
            if (s[i] == s[j]) dp[j] = 2 + (i + 1 <= j - 1 ? prev[j - 1] : 0);
            else dp[j] = max(prev[j], dp[j - 1]);
        }
        swap(dp, prev);
    }
    cout << prev[n - 1] << "\n";
    return 0;
}
