#include <bits/stdc++.h>
using namespace std;

string s;
vector<vector<int>> memo;

// Longest palindromic subsequence of s[i..j], memoised recursion.
int lps(int i, int j) {
    if (i > j) return 0;
    if (i == j) return 1;
    int &res = memo[i][j];
    if (res >= 0) return res;
    if (s[i] == s[j]) res = 2 + lps(i + 1, j - 1);
    else res = max(lps(i + 1, j), lps(i, j - 1));
    return res;
}

int main() {
    cin >> s;
    int n = s.size();
    memo.assign(n, vector<int>(n, -1));
    cout << lps(0, n - 1) << "\n";
    return 0;
}
