#include <iostream>
#include <string>
#include <utility>
#include <vector>
using namespace std;

int main() {
    string s = "ab";
    string t = s;
    vector<string> v;
    v.push_back(move(t));
    cout << t.size() << s << "\n";
}
