#include <iostream>
#include <string>
using namespace std;

int main() {
    string s;
    int k;
    cin >> k >> s;  // a string has no scanf conversion of a known size
    cout << s.substr(0, k) << endl;
}
