#include <bits/stdc++.h>
using namespace std;

// little-endian base 10^9 digits
vector<long long> add(vector<long long> a, vector<long long> b) {
    vector<long long> c;
    long long carry = 0;
    for (size_t i = 0; i < max(a.size(), b.size()) || carry; i++) {
        long long s = carry;
        if (i < a.size()) s += a[i];
        if (i < b.size()) s += b[i];
        c.push_back(s % 1000000000);
        carry = s / 1000000000;
    }
    return c;
}

string show(vector<long long> a) {
    string s = to_string(a.back());
    for (int i = (int)a.size() - 2; i >= 0; i--) {
        string part = to_string(a[i]);
        s += string(9 - part.size(), '0') + part;
    }
    return s;
}

int main() {
    int n;
    cin >> n;
    vector<long long> f0 = {0}, f1 = {1};
    for (int i = 0; i < n; i++) {
        vector<long long> f2 = add(f0, f1);
        f0 = f1;
        f1 = f2;
    }
    string s = show(f0);
    int digitSum = 0;
    for (char ch : s) digitSum += ch - '0';
    cout << s.size() << " " << digitSum << " " << s.substr(0, 20) << endl;
}
